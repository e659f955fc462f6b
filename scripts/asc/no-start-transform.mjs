// asc transform: CosmWasm instantiates a module with the gas meter at zero and sets the limit only afterwards, so a
// wasm `start` section (which asc emits to initialise its runtime and globals) traps on every call. Built with
// `--exportStart __cw_start`, asc turns the start function into a guarded export; this transform un-exports it and
// makes every exported entry point call it first, so initialisation runs inside the metered call instead.
import { Transform } from "assemblyscript/transform";

const START_EXPORT = "__cw_start";

export default class NoStartTransform extends Transform {
  afterCompile(module) {
    const binaryen = this.binaryen;
    const startExport = module.getExport(START_EXPORT);
    if (!startExport) throw new Error(`no-start transform: build with --exportStart ${START_EXPORT}`);
    const startFunc = binaryen.getExportInfo(startExport).value;
    module.removeExport(START_EXPORT);

    for (let i = 0, n = module.getNumExports(); i < n; i++) {
      const info = binaryen.getExportInfo(module.getExportByIndex(i));
      if (info.kind !== binaryen.ExternalFunction || info.value === startFunc) continue;
      const fn = module.getFunction(info.value);
      const fnInfo = binaryen.getFunctionInfo(fn);
      const call = module.call(startFunc, [], binaryen.none);
      const body = fnInfo.results === binaryen.none
        ? module.block(null, [call, fnInfo.body], binaryen.none)
        : module.block(null, [call, fnInfo.body], fnInfo.results);
      binaryen.Function.setBody(fn, body);
    }
  }
}
