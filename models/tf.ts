import type * as Tf from '@tensorflow/tfjs';

/** The TensorFlow.js module's type (its values are loaded on first use: see initTf). */
export type TfModule = typeof Tf;
export type { Tf };

let ready: Promise<TfModule> | null = null;

/**
 * TensorFlow.js with the wasm backend (tfjs-node when it happens to be installed: it cannot be
 * installed here because its install script downloads libtensorflow). Seeded code paths do not
 * depend on the backend's own randomness. Loaded on first use, not at import: it is half a second
 * of every CLI command's start otherwise, and only training needs it.
 */
export function initTf(): Promise<TfModule> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    try {
      // optional: only present when the environment installed it
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
      if (tf.getBackend() === 'tensorflow' || (await tf.setBackend('tensorflow'))) return tf;
    } catch {
      /* not installed */
    }
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return ready;
}
