/** `npm create estimatorjs`: scaffolds a project that trains, evaluates and exports a model with estimator-js. */
export { ScaffoldError, type ScaffoldOptions, scaffold, TEMPLATES, type TemplateName } from './scaffold.js';
