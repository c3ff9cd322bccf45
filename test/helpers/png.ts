import { createCanvas, loadImage } from 'canvas';

/** Decoded pixels of a PNG and how much of it is ink (pixels clearly darker than white). */
export async function pngPixels(png: Buffer) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 600) ink++;
  return { width: img.width, height: img.height, data, inkShare: ink / (img.width * img.height) };
}
