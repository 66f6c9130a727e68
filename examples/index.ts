// Entry point when the Pulumi CLI runs this folder (Pulumi.yaml: main: examples/).
import { exampleProgram } from "./program";

export = exampleProgram();
