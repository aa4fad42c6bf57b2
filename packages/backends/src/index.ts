export const placeholder = 'backends';
