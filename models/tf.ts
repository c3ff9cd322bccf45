import * as tf from '@tensorflow/tfjs';

let ready: Promise<string> | null = null;

/**
 * TensorFlow.js with the wasm backend (tfjs-node when it happens to be installed: it cannot be
 * installed here because its install script downloads libtensorflow). Seeded code paths do not
 * depend on the backend's own randomness.
 */
export function initTf(): Promise<string> {
  ready ??= (async () => {
    try {
      // optional: only present when the environment installed it
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
      if (tf.getBackend() === 'tensorflow' || (await tf.setBackend('tensorflow'))) return 'tensorflow';
    } catch {
      /* not installed */
    }
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

export { tf };
