// Lint rules: typescript-eslint's recommended set, type-aware, for every TypeScript file.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config({ ignores: ["dist/", "node_modules/", "docs/"] }, js.configs.recommended, ...tseslint.configs.recommended, {
  rules: {
    // `_name` marks a parameter or binding kept for its position (the engine's method signatures).
    "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    // Tests and tools require() built modules by computed path on purpose.
    "@typescript-eslint/no-require-imports": "off",
  },
});
