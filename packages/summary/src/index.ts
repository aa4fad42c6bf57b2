export const placeholder = 'summary';
