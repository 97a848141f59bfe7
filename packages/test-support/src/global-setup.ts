import type { TestProject } from 'vitest/node';
import { setupTestInfrastructure, type TemplateSpec, teardownTestInfrastructure } from './infrastructure.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testInfrastructure: import('./infrastructure.js').TestInfrastructure;
  }
}

/** Builds a vitest globalSetup for a project whose tests need these service databases. */
export function globalSetupFor(templates: TemplateSpec[]) {
  return async function setup(project: TestProject) {
    project.provide('testInfrastructure', await setupTestInfrastructure(templates));
    return teardownTestInfrastructure;
  };
}
