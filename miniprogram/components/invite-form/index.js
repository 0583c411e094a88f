// The invite-code form. It only collects the code and shows an error; the page owning it does the binding.
const errors = require('../../utils/errors')

Component({
  properties: {
    busy: { type: Boolean, value: false },
    // { code, message } of the last failure, or null. A plain object: an Error does not survive setData.
    error: { type: Object, value: null },
  },
  data: {
    inviteCode: '',
    errorText: '',
  },
  observers: {
    error(err) {
      this.setData({ errorText: errors.messageFor(err) })
    },
  },
  methods: {
    onInput(e) {
      this.setData({ inviteCode: e.detail.value.trim() })
    },
    onSubmit() {
      if (this.data.busy || !this.data.inviteCode) return
      this.triggerEvent('submit', { inviteCode: this.data.inviteCode })
    },
  },
})
