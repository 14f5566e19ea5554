// An app that imports one name must get that name, not the whole package: bundling
// `import { mse } from 'autoencoders'` (or PCA) must leave tfjs-layers out.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

async function bundle(source: string): Promise<{ bytes: number; own: number; inputs: string[] }> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    logLevel: 'silent',
    alias: { autoencoders: entry },
  });
  // The files that contributed code to the bundle (esbuild reads more than it keeps).
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path);
  const own = Object.entries(output.inputs)
    .filter(([path]) => path.startsWith('src/'))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
  return { bytes: result.outputFiles[0]!.contents.byteLength, own, inputs };
}

const cases: Record<string, string> = {
  '{ mse }': "import { mse } from 'autoencoders'; console.log(mse);",
  '{ PCA }': "import { PCA } from 'autoencoders'; console.log(PCA);",
  '{ useBackend }': "import { useBackend } from 'autoencoders'; console.log(useBackend);",
  '{ gaussianNoise, bce }': "import { gaussianNoise, bce } from 'autoencoders'; console.log(gaussianNoise, bce);",
  '{ mmd, tcDecomposition }': "import { mmd, tcDecomposition } from 'autoencoders'; console.log(mmd, tcDecomposition);",
};

describe('tree shaking', () => {
  for (const [names, source] of Object.entries(cases)) {
    it(`a bundle of import ${names} contains no tfjs-layers code`, async () => {
      const { bytes, own, inputs } = await bundle(source);
      console.log(
        `bundle of import ${names} from 'autoencoders': ${(bytes / 1024).toFixed(1)} KiB minified, tfjs-core included; ${(own / 1024).toFixed(1)} KiB of it from this package`,
      );
      expect(inputs.some((p) => p.includes('@tensorflow/tfjs-core'))).toBe(true);
      expect(inputs.filter((p) => p.includes('@tensorflow/tfjs-layers'))).toEqual([]);
    });
  }

  it('a bundle of the whole package does contain tfjs-layers (so the check above can fail)', async () => {
    const { inputs } = await bundle("import * as ae from 'autoencoders'; console.log(ae);");
    expect(inputs.some((p) => p.includes('@tensorflow/tfjs-layers'))).toBe(true);
  });
});
