// ESLint (flat config) for the harness, its tests and the embedded cluster: typescript-eslint's recommended
// rules plus the project's habits. Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const mocha = { describe: "readonly", it: "readonly", before: "readonly", after: "readonly", beforeEach: "readonly", afterEach: "readonly" };
const node = {
  process: "readonly",
  console: "readonly",
  Buffer: "readonly",
  require: "readonly",
  module: "writable",
  __dirname: "readonly",
  globalThis: "readonly",
  URL: "readonly",
};

export default tseslint.config(
  { ignores: ["node_modules/", "reports/", ".localcluster/", "out/", "localcluster/build/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused code is dead code; a leading underscore marks a parameter kept for its position.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // `cond && f()` and `a ? f() : g()` as statements are the house style for one-line side effects.
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      // Type-only imports stay `import type`, so what crosses a module boundary at run time stays visible.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      // Regexes match kubectl/PowerShell output column by column: counted spaces would hide the layout.
      "no-regex-spaces": "off",
      // Errors are rethrown as one line on purpose (what broke and where); the cause is in that line.
      "preserve-caught-error": "off",
    },
  },
  {
    // TypeScript checks names itself; ESLint's no-undef does not know its globals.
    files: ["**/*.ts"],
    rules: { "no-undef": "off" },
  },
  {
    files: ["**/*.cjs", "**/*.mjs", "**/*.js"],
    languageOptions: { globals: { ...node, ...mocha } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Tests poke at loosely typed answers (admission reviews, parsed YAML) and assert with chai's property getters.
    files: ["test/**/*.ts", "suites/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-unused-expressions": "off" },
  },
  {
    // The manifest lint walks users' documents by field path: untyped YAML, whatever kind it is.
    files: ["lib/lint/**/*.ts", "lib/fixtures/lint.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The emulator's own findings are its owner's to fix (localcluster/ is a separate boundary): shown, not fatal.
    files: ["localcluster/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": "warn",
      "@typescript-eslint/consistent-type-imports": "warn",
      "no-useless-assignment": "warn",
      "no-constant-condition": "warn",
      "@typescript-eslint/no-unused-expressions": "warn",
    },
  },
);
