export const placeholder = 'experiment';
