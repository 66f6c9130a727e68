/**
 * The main job: a real `pulumi up` of the example program against the Linode API emulator,
 * then the outputs, a second `up` that changes nothing, and `destroy`.
 * Run it with `npm run demo` (tools/demo.sh installs, builds and makes the CLI available).
 */
import { startEmulator } from "../emulator/server";
import { exampleProgram } from "../examples/program";
import { createSandbox, inlineStack } from "./sandbox";

const step = (text: string) => console.log(`\n=== ${text}\n`);

async function main(): Promise<void> {
  step("Starting the Linode API emulator");
  const emu = await startEmulator();
  console.log(`Linode API emulator listening on ${emu.url}`);
  const sb = await createSandbox({ projectName: "linode-objkey-example", prefix: "objkey-demo-" });
  let failed = false;
  try {
    const stack = await inlineStack(sb, "demo", "linode-objkey-example", async () => exampleProgram(), {
      "linode:token": { value: emu.token, secret: true },
      "linode:url": { value: emu.url },
    });
    const onOutput = (s: string) => process.stdout.write(s);

    step("pulumi up");
    await stack.up({ onOutput, color: "never" });

    step("Stack outputs");
    const outputs = await stack.outputs();
    for (const [name, o] of Object.entries(outputs)) {
      console.log(`${name.padEnd(22)} ${o.secret ? "[secret]" : JSON.stringify(o.value)}`);
    }
    console.log(`\nThe emulator now holds ${emu.keys().length} keys: ${emu.keys().map((k) => `${k.id} (${k.label})`).join(", ")}`);

    step("pulumi up again (expect no changes)");
    const again = await stack.up({ onOutput, color: "never" });
    const changed = Object.entries(again.summary.resourceChanges ?? {}).filter(([op, n]) => op !== "same" && n > 0);
    console.log(changed.length === 0 ? "\nSecond up: no changes." : `\nSecond up changed: ${JSON.stringify(changed)}`);
    if (changed.length) failed = true;

    step("pulumi destroy");
    await stack.destroy({ onOutput, color: "never" });
    await stack.workspace.removeStack("demo");
    console.log(`\nStack "demo" removed. The emulator holds ${emu.keys().length} keys after destroy.`);
  } finally {
    sb.cleanup();
    await emu.close();
    console.log("Emulator stopped.");
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exitCode = 1;
});
