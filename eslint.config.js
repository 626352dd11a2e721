import js from "@eslint/js"
import stylistic from "@stylistic/eslint-plugin"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", "packages/cli/bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  stylistic.configs.customize({ indent: 2, quotes: "double", semi: false, commaDangle: "never", braceStyle: "1tbs" }),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@stylistic/member-delimiter-style": ["error", { multiline: { delimiter: "none" }, singleline: { delimiter: "semi", requireLast: false } }],
      "@stylistic/arrow-parens": "off",
      "@stylistic/operator-linebreak": "off",
      "@stylistic/multiline-ternary": "off",
      "@stylistic/quote-props": "off",
      "@stylistic/max-statements-per-line": "off",
      "@stylistic/indent-binary-ops": "off",
      "@stylistic/generator-star-spacing": "off",
      "@stylistic/yield-star-spacing": "off",
      "@stylistic/jsx-one-expression-per-line": "off"
    }
  }
)
