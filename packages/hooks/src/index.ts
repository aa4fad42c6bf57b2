export const placeholder = 'hooks';
