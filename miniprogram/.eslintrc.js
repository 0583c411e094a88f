// airbnb-base and plugin:promise (STYLE.md §10), with this project's own layout: no semicolons, lines up to 120,
// the mini-program's globals, jest in tests/.
module.exports = {
  root: true,
  extends: ['airbnb-base', 'plugin:promise/recommended'],
  parserOptions: { ecmaVersion: 2022, sourceType: 'script' },
  env: { es2022: true, node: true },
  globals: {
    wx: 'readonly',
    App: 'readonly',
    Page: 'readonly',
    Component: 'readonly',
    Behavior: 'readonly',
    getApp: 'readonly',
    getCurrentPages: 'readonly',
  },
  rules: {
    semi: ['error', 'never'],
    'semi-style': ['error', 'first'], // ;[a, b].forEach(…) where a line starts with a bracket
    // Short objects stay on one line, as written throughout.
    'object-curly-newline': ['error', { consistent: true }],
    'object-property-newline': 'off',
    // Required where used: api.js and auth.js need each other, and tests load modules afresh after resetModules.
    'global-require': 'off',
    // Pages and components pass themselves to helpers that set their fields (LOADERS[tab](this)).
    'no-param-reassign': ['error', { props: false }],
    'max-len': ['error', { code: 130, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
  },
  overrides: [
    {
      files: ['tests/**/*.js'],
      env: { jest: true, browser: true }, // jsdom for the rendered components
      rules: {
        'import/no-extraneous-dependencies': ['error', { devDependencies: true }],
        'import/no-dynamic-require': 'off', // the harness requires the page or component it is given
        'import/order': 'off', // the wx shim is installed before miniprogram-simulate is loaded
        'no-promise-executor-return': 'off', // new Promise((resolve) => setTimeout(resolve, ms))
        'no-await-in-loop': 'off', // polling a server, one request after another, on purpose
        'no-restricted-syntax': 'off', // for … of with await in it, for the same reason
        // A test watches a promise settle (promise.then(() => { settled = true })) without returning it.
        'promise/catch-or-return': 'off',
        'promise/always-return': 'off',
        'no-use-before-define': ['error', { functions: false }],
        'operator-linebreak': 'off',
        'function-paren-newline': 'off',
        'function-call-argument-newline': 'off',
        'max-len': ['error', { code: 140, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
      },
    },
  ],
  ignorePatterns: ['node_modules/', 'coverage/'],
}
