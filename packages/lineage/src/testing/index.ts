export type {
  GeneratedApp,
  GeneratedLineageSite,
  GeneratedObject,
  GenerateLineageSiteOptions,
} from './generate-lineage-site.js';
export { generatedAppId, generateLineageSite } from './generate-lineage-site.js';
