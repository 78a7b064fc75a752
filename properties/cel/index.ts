/**
 * The CEL layer of svcspec, public surface. Invariants and scenario expectations are CEL
 * expressions compiled once at load (compileCel) and evaluated on observations.
 */
export { compileCel, type CelCompileResult, type CelVars, type CompiledCel } from './compile.ts';
export {
  CEL_VARIABLES,
  celEnvironment,
  celLibraryMarkdown,
  createCelEnvironment,
  type CelVariable,
} from './environment.ts';
export { CelEvalError, type CelCompileError, type CelCompileErrorCode } from './errors.ts';
export { CEL_HELPERS, helperSignature, type CelHelper, type CelParamType } from './helpers.ts';
export { fromCelValue, toCelValue } from './values.ts';
