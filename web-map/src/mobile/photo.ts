/** Photos from the phone's camera, made small before they go over 3G. */

/** Longest side of an uploaded photo. */
export const MAX_SIDE = 2048;
export const JPEG_QUALITY = 0.85;

/**
 * The size to draw a `width`×`height` image at so its longest side is at most `max`, keeping the aspect ratio
 * (whole pixels, at least 1). An image already small enough keeps its size.
 */
export function fitWithin(width: number, height: number, max = MAX_SIDE): { width: number; height: number; scaled: boolean } {
  if (!(width > 0) || !(height > 0)) return { width: 0, height: 0, scaled: false };
  const longest = Math.max(width, height);
  if (longest <= max) return { width: Math.round(width), height: Math.round(height), scaled: false };
  const k = max / longest;
  return {
    width: Math.max(1, Math.min(max, Math.round(width * k))),
    height: Math.max(1, Math.min(max, Math.round(height * k))),
    scaled: true,
  };
}

/**
 * The photo as a JPEG of at most MAX_SIDE px (EXIF orientation applied by the browser's decoder). A JPEG that is
 * already small enough goes as it is; anything the browser cannot decode goes as it is too (the server says why).
 */
export async function downscale(file: Blob, max = MAX_SIDE): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, max);
    if (!size.scaled && file.type === 'image/jpeg') return file;
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/jpeg', JPEG_QUALITY));
    return blob ?? file;
  } finally {
    bitmap.close();
  }
}
