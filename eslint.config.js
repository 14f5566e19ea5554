// Lint rules that keep the architecture visible (see ../shared/ARCHITECTURE.md):
// no import cycles, and each floor of src/ imports only from floors below it.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const noLayers = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: '@tensorflow/tfjs-layers',
          message: 'Only src/nn and src/models may import tfjs-layers: an app that needs only a loss or PCA must not pay for it.',
        },
      ],
    },
  ],
};

/** Floors: a folder may import only from the folders listed after it. */
const floors = {
  core: [],
  kernels: ['core'],
  backend: ['core', 'kernels'],
  losses: ['core'],
  noise: ['core'],
  pca: ['core', 'kernels', 'backend'],
  density: ['core'],
  preprocessing: ['core'],
  nn: ['core'],
  models: ['core', 'losses', 'noise', 'nn'],
  train: ['core', 'models', 'backend', 'kernels'],
  anomaly: ['core', 'models', 'pca', 'losses', 'train', 'preprocessing'],
  io: ['core', 'backend', 'models', 'nn', 'noise', 'pca', 'losses', 'preprocessing', 'anomaly'],
};
const all = Object.keys(floors);
const zones = Object.entries(floors).flatMap(([folder, allowed]) =>
  all
    .filter((other) => other !== folder && !allowed.includes(other))
    .map((other) => ({
      target: `./src/${folder}`,
      from: `./src/${other}`,
      message: `src/${folder} may import only from ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'tfjs-core'} (see shared/ARCHITECTURE.md).`,
    })),
);

export default tseslint.config(
  {
    ignores: ['dist/**', 'docs/api/**', 'node_modules/**', 'scratch/**', 'coverage/**', '.doc-examples/**', 'bench/out/**', 'examples/**/out/**', 'examples/browser/dist/**', 'tests/browser/artifacts/**'],
  },
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    files: ['**/*.ts'],
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/{core,kernels,backend,losses,noise,pca,density,preprocessing,train,anomaly}/**/*.ts'],
    rules: noLayers,
  },
);
