// The command line as data, read from the yargs definitions themselves: each command module registers itself on a
// recorder that stands in for yargs and notes every command, positional and option (nothing is parsed or run).
// clusterguard(8) and the bash completion are rendered from this one model.
import type { Argv } from "yargs";
import { COMMANDS, globalOptions } from "../cli/index.ts";

export interface OptionInfo {
  /** The long name, without dashes ("log-format"). */
  name: string;
  type: "string" | "number" | "boolean";
  describe: string;
  default?: unknown;
  choices?: readonly (string | number)[];
  required: boolean;
}

export interface PositionalInfo {
  name: string;
  describe: string;
  required: boolean;
}

export interface CommandInfo {
  /** The command's word ("pause"); "" for the program itself. */
  name: string;
  describe: string;
  /** The default subcommand of its parent (yargs "$0"): runs when no subcommand is named. */
  isDefault: boolean;
  /** Registered without a description: an old spelling kept only to say what it is called now. */
  hidden: boolean;
  positionals: PositionalInfo[];
  options: OptionInfo[];
  commands: CommandInfo[];
}

type Opts = {
  type?: string;
  describe?: string;
  default?: unknown;
  choices?: readonly (string | number)[];
  demandOption?: boolean | string;
};

function optionInfo(name: string, o: Opts): OptionInfo {
  const type = o.type === "number" ? "number" : o.type === "boolean" ? "boolean" : "string";
  // A switch that is on by default is typed as its negation (yargs reads --no-update as update = false).
  if (type === "boolean" && o.default === true)
    return { name: `no-${name}`, type, describe: o.describe ?? "", required: false };
  return {
    name,
    type,
    describe: o.describe ?? "",
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.choices !== undefined ? { choices: o.choices } : {}),
    required: o.demandOption !== undefined && o.demandOption !== false,
  };
}

/** A stand-in for yargs that records into `node`; every method it does not know returns itself. */
function recorder(node: CommandInfo): Argv {
  const self: Argv = new Proxy({} as Argv, {
    get(_t, prop) {
      switch (prop) {
        case "command":
          return (cmd: string | readonly string[], describe: string | false, builder?: unknown) => {
            const forms = typeof cmd === "string" ? [cmd] : [...cmd];
            const words = (forms[0] ?? "").split(/\s+/);
            const child: CommandInfo = {
              name: words[0] ?? "",
              describe: describe === false ? "" : describe,
              isDefault: forms.includes("$0"),
              hidden: describe === false,
              positionals: words.slice(1).map((w) => ({
                name: w.replace(/[<>[\]]/g, "").replace(/\.\.$/, ""),
                describe: "",
                required: w.startsWith("<"),
              })),
              options: [],
              commands: [],
            };
            if (typeof builder === "function") builder(recorder(child));
            node.commands.push(child);
            return self;
          };
        case "option":
          return (name: string, o: Opts) => {
            node.options.push(optionInfo(name, o));
            return self;
          };
        case "positional":
          return (name: string, o: Opts) => {
            const p = node.positionals.find((x) => x.name === name);
            if (p) p.describe = o.describe ?? p.describe;
            return self;
          };
        case "demandOption":
          return (name: string) => {
            const o = node.options.find((x) => x.name === name);
            if (o) o.required = true;
            return self;
          };
        default:
          return () => self;
      }
    },
  });
  return self;
}

/** The whole command line: the program (its options are every command's) and its commands, in `--help` order. */
export function describeCli(): CommandInfo {
  const root: CommandInfo = {
    name: "",
    describe: "",
    isDefault: false,
    hidden: false,
    positionals: [],
    options: [],
    commands: [],
  };
  let y = globalOptions(recorder(root));
  for (const add of COMMANDS) y = add(y, () => {});
  return root;
}

/** The commands a user runs, depth first, each with its path of words ("monitors pause"); hidden ones left out. */
export function leafCommands(root: CommandInfo): { path: string[]; command: CommandInfo; parents: CommandInfo[] }[] {
  const out: { path: string[]; command: CommandInfo; parents: CommandInfo[] }[] = [];
  const walk = (c: CommandInfo, path: string[], parents: CommandInfo[]) => {
    for (const sub of c.commands) {
      if (sub.hidden) continue;
      const p = [...path, sub.name];
      if (sub.commands.some((x) => !x.hidden)) walk(sub, p, [...parents, sub]);
      else out.push({ path: p, command: sub, parents });
    }
  };
  walk(root, [], []);
  return out;
}
