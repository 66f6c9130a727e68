/**
 * The README's first program is `examples/program.ts`, which `pulumi up` at the root, the demo
 * and the program tests run: so the program users copy first is one that runs. The two may differ
 * only where they must: the file's header comment, and the import, which in the repository is
 * the sources (`../provider`) and in the README the package.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

/** The text of the first ```ts block in `markdown`, or undefined when there is none. */
export function firstTypeScriptBlock(markdown: string): string | undefined {
  return /^```ts\n([\s\S]*?)^```$/m.exec(markdown)?.[1];
}

/** `examples/program.ts` as a user writes it: no header comment, the package imported by name. */
export function asUserProgram(source: string): string {
  return source.replace(/^\/\*\*[\s\S]*?\*\/\n/, "").replace(/from "\.\.\/provider";/g, 'from "pulumi-linode-objkey";');
}

/** The first line where `a` and `b` differ, for the failure message. */
function firstDifference(a: string, b: string): string {
  const [la, lb] = [a.split("\n"), b.split("\n")];
  const i = la.findIndex((line, n) => line !== lb[n]);
  const at = i === -1 ? la.length : i;
  return `line ${at + 1}: README ${JSON.stringify(la[at])} vs examples/program.ts ${JSON.stringify(lb[at])}`;
}

describe("the README's example", () => {
  it("is examples/program.ts, importing the package instead of ../provider", () => {
    const shown = firstTypeScriptBlock(readFileSync(path.join(ROOT, "README.md"), "utf8"));
    assert.ok(shown !== undefined, "README.md has a ```ts block");
    const program = asUserProgram(readFileSync(path.join(ROOT, "examples/program.ts"), "utf8"));
    assert.ok(shown === program, `README.md's first ts block differs from examples/program.ts: ${firstDifference(shown, program)}`);
  });

  it("is about ten lines of code, and the README's first screen reaches it", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const code = (firstTypeScriptBlock(readme) ?? "").split("\n").filter((l) => l.trim() !== "" && !/^\s*(\/\/|\/\*\*)/.test(l));
    assert.ok(code.length <= 15, `the example has ${code.length} lines of code`);
    const blockEnds = readme.slice(0, readme.indexOf("```ts")).split("\n").length + (firstTypeScriptBlock(readme) ?? "").split("\n").length;
    assert.ok(blockEnds <= 50, `the example ends at README line ${blockEnds}`);
  });
});
