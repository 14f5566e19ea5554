// useBackend() ('auto') in Node on Linux without Vulkan's loader: WebGPU is skipped before Dawn
// starts, so Dawn's "Couldn't load Vulkan" never reaches stderr (Dawn writes it from native code,
// hence a child process whose stderr is read whole).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const hasVulkan = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib', ...(process.env['LD_LIBRARY_PATH'] ?? '').split(':')]
  .filter((d) => d.length > 0)
  .some((d) => existsSync(`${d}/libvulkan.so.1`));

describe('useBackend auto without Vulkan', () => {
  it.skipIf(process.platform !== 'linux' || hasVulkan)('starts a CPU backend without Dawn writing "Couldn\'t load Vulkan" to stderr', () => {
    const script = `
      import { useBackend } from './src/index.ts';
      const info = await useBackend();
      console.log('started ' + info.name);
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stdout).toMatch(/started (wasm|cpu|tensorflow)/);
    expect(child.stderr).not.toMatch(/Vulkan/);
  });
});
