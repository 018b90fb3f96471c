// The CLI's name → factory registry (data, views, method from a JobSpec): see ./cli.ts.
export { buildData, buildMethod, buildViews, modelInput } from '../../../cli/src/registry';
