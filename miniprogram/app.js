// Logging in is started by the home page, which shows the outcome; the app itself holds no state.
App({})
