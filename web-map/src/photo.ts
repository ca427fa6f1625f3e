/** Photos from a phone's camera (the crew app's and the report page's), made small before they go over 3G. */

/** Longest side of an uploaded photo. */
export const MAX_SIDE = 2048;

/**
 * The size to draw a `width`×`height` image at so its longest side is at most `max`, keeping the aspect ratio
 * (whole pixels, at least 1). An image already small enough keeps its size; an empty one gives 0×0.
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

/** Decodes an image file (EXIF orientation applied) into something a canvas can draw. */
async function decode(file: Blob): Promise<{ source: CanvasImageSource; width: number; height: number; close(): void }> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
    } catch {
      // fall back to <img> (some browsers cannot bitmap every format)
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
  } catch (e) {
    URL.revokeObjectURL(url);
    throw e;
  }
}

/**
 * The photo as a JPEG with its longer side at most MAX_SIDE pixels. Always re-encoded, so what leaves the phone carries
 * no EXIF (location, camera) at all.
 */
export async function downscale(file: Blob, max = MAX_SIDE, quality = 0.85): Promise<{ blob: Blob; width: number; height: number }> {
  const image = await decode(file);
  try {
    const size = fitWithin(image.width, image.height, max);
    if (!size.width || !size.height) throw new Error('empty image');
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    // JPEG has no transparency: a transparent PNG goes onto white, not black.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, size.width, size.height);
    ctx.drawImage(image.source, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (!blob) throw new Error('could not encode JPEG');
    return { blob, width: size.width, height: size.height };
  } finally {
    image.close();
  }
}
