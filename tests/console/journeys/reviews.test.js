// The review queue (审核预告): the secretaries of 东关社区第一党支部 and 东关社区第二党支部 draft next month's plans
// through the API and submit them; the reviewer of 东关街道党工委 finds both in the console's queue, approves one
// (it is filed) and returns the other with a comment the branch then reads.
const assert = require('node:assert/strict')
const { useStack, shanghaiMonth } = require('../stack')

const c = useStack()

const COMMITTEE = 'YZ-GL-DJ'
// Two lines, as a reviewer writes them in the textarea.
const COMMENT = '请补充活动议程和主讲人。\n修改后重新提交。'

// Plans need the year's official holidays (the activity day moves off holidays). The server ships them up to some
// year; when next month lies beyond it, the city's administrator loads an arrangement for that year, as the
// organisation department would when the State Council publishes it. This minimal one (New Year's Day) is enough
// for a plan on the 20th.
async function ensureCalendar(year) {
  const known = await c.api('GET', `/api/v1/calendar/${year}`)
  if (known.status === 200) return
  const admin = await c.apiToken(c.login('org_admin', 'YZ').phone)
  await c.apiOk('PUT', `/api/v1/calendar/${year}`, admin, { holidays: [[`${year}-01-01`, '元旦']], workdays: [] })
}

async function submittedPlan(branchCode, theme) {
  const secretary = c.login('secretary', branchCode)
  const token = await c.apiToken(secretary.phone)
  const plan = await c.apiOk('POST', `/api/v1/orgs/${c.org(branchCode).id}/plans`, token, {
    month: shanghaiMonth(1),
    theme,
    category: 'party_lecture',
    start_time: '09:00',
    end_time: '11:00',
    place: '党群服务中心二楼会议室',
    organiser: secretary.name,
  })
  return c.apiOk('POST', `/api/v1/plans/${plan.id}/submit`, token)
}

async function planStatus(id) {
  const token = await c.apiToken(c.login('reviewer', COMMITTEE).phone)
  return c.apiOk('GET', `/api/v1/plans/${id}`, token)
}

c.journey('a reviewer approves one submitted plan and returns another with a comment', async ({ page }) => {
  await ensureCalendar(Number(shanghaiMonth(1).slice(0, 4)))
  const first = await submittedPlan('YZ-GL-DJ-01', '重温入党誓词主题党日')
  const second = await submittedPlan('YZ-GL-DJ-02', '学习新修订的党纪处分条例')
  assert.equal(first.status, 'submitted')
  assert.equal(second.status, 'submitted')

  const reviewer = await c.signIn(page, 'reviewer', { orgCode: COMMITTEE })
  const queuePath = `/console/orgs/${reviewer.org_id}/reviews`
  await c.visit(page, queuePath, 'reviews-queue')
  const queue = page.locator('table#review-queue')
  const firstRow = queue.locator(`tr[data-plan-id="${first.id}"]`)
  const secondRow = queue.locator(`tr[data-plan-id="${second.id}"]`)
  assert.equal(await firstRow.count(), 1, 'the first branch\'s plan is in the queue')
  assert.equal(await secondRow.count(), 1, 'the second branch\'s plan is in the queue')
  assert.match(await firstRow.innerText(), /重温入党誓词主题党日/, 'the row shows the plan\'s theme')
  assert.match(await firstRow.innerText(), /东关社区第一党支部/, 'and its branch')

  await firstRow.locator('form.approve-form').getByRole('button', { name: '通过' }).click()
  await page.locator('.flash.ok').waitFor()
  await c.screenshot(page, 'reviews-approved')
  assert.match(await page.locator('.flash.ok').innerText(), /通过/, 'the page confirms the approval')
  assert.equal(new URL(page.url()).pathname, queuePath, 'the reviewer is back on the queue')
  assert.equal(await queue.locator(`tr[data-plan-id="${first.id}"]`).count(), 0, 'the approved plan left the queue')
  assert.equal((await planStatus(first.id)).status, 'filed', 'approving files the plan')

  const returnForm = queue.locator(`tr[data-plan-id="${second.id}"] form.return-form`)
  await returnForm.locator('textarea[name=comment]').fill(COMMENT)
  await returnForm.getByRole('button', { name: '退回' }).click()
  await page.locator('.flash.ok').waitFor()
  await c.screenshot(page, 'reviews-returned')
  assert.match(await page.locator('.flash.ok').innerText(), /退回/, 'the page confirms the return')
  assert.equal(await queue.locator(`tr[data-plan-id="${second.id}"]`).count(), 0, 'the returned plan left the queue')
  const returned = await planStatus(second.id)
  assert.equal(returned.status, 'returned', 'the plan went back to the branch')
  assert.equal((returned.review_comment || '').replace(/\r\n/g, '\n'), COMMENT, 'with the reviewer\'s comment, both lines')
})
