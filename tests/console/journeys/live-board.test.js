// The live board (活动日实况) on the projector of 东关街道党工委: today's activity of 东关社区第一党支部 is open for
// check-in; when its organiser checks a member in (through the API, as the mini-program does), the board's numbers
// go up within two seconds, without anyone reloading the page.
const assert = require('node:assert/strict')
const { useStack } = require('../stack')

const c = useStack()

const COMMITTEE = 'YZ-GL-DJ'

const number = async (locator) => {
  const text = (await locator.innerText()).trim()
  assert.match(text, /^\d+$/, `a count on the board reads as a number (got ${JSON.stringify(text)})`)
  return Number(text)
}

c.journey('the live board counts a check-in within 2 s without a reload', async ({ page }) => {
  const reviewer = await c.signIn(page, 'reviewer', { orgCode: COMMITTEE })
  const branch = c.org(c.demo.branch_code)

  const stream = page.waitForResponse((r) => r.url().endsWith(`/console/orgs/${reviewer.org_id}/live/events`))
  await c.visit(page, `/console/orgs/${reviewer.org_id}/live`, 'live-board')
  const events = await stream
  assert.equal(events.status(), 200, 'the board\'s event stream opened')
  assert.match(events.headers()['content-type'] || '', /text\/event-stream/, 'as server-sent events')

  const total = { present: page.locator('#board-total .present'), expected: page.locator('#board-total .expected') }
  const row = page.locator(`tr[data-org-id="${branch.id}"]`)
  assert.equal(await row.count(), 1, `the board has a row for ${branch.name}`)
  const before = {
    total: await number(total.present),
    expected: await number(total.expected),
    row: await number(row.locator('.present')),
  }
  assert.ok(before.expected >= c.demo.participant_phones.length, 'the expected participants are counted')
  assert.match(await row.getAttribute('class') || '', /\bbelow\b/, 'a branch under 80 % is marked')
  await page.evaluate(() => { window.stillTheSamePage = true })

  // The organiser records one of the expected members as present (the member has no smartphone).
  const organiser = await c.apiToken(c.demo.organiser_phone)
  const phone = c.demo.participant_phones.find((p) => p !== c.demo.organiser_phone)
  const found = await c.apiOk('GET', `/api/v1/orgs/${branch.id}/people?q=${phone}`, organiser)
  const member = found.items.find((p) => p.phone === phone)
  assert.ok(member, `the participant ${phone} is on the branch's roster`)
  const checkin = await c.apiOk('POST', `/api/v1/activities/${c.demo.activity_id}/checkins`, organiser, {
    person_id: member.id, reason: '无智能手机，由组织者代为签到',
  })
  assert.equal(checkin.result, 'ok', `the check-in is accepted (${JSON.stringify(checkin)})`)
  const recorded = Date.now()

  await page.waitForFunction(
    ([want]) => Number(document.querySelector('#board-total .present').textContent.trim()) === want,
    [before.total + 1], { timeout: 2000 },
  ).catch(async () => {
    throw new Error(`the board's total did not go from ${before.total} to ${before.total + 1} within 2 s ` +
      `(it shows ${await total.present.innerText()})`)
  })
  const took = Date.now() - recorded
  await c.screenshot(page, 'live-board-after-checkin')
  assert.equal(await number(row.locator('.present')), before.row + 1, `${branch.name}'s row counts the check-in too`)
  assert.equal(await number(total.expected), before.expected, 'the expected count stays')
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'the page was not reloaded')
  assert.ok(took <= 2000, `updated in ${took} ms`)
})
