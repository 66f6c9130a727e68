// Entry point when the Pulumi CLI runs this project (Pulumi.yaml: main: examples/index.ts).
import { exampleProgram } from "./program";

export = exampleProgram();
