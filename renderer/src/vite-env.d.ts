declare module '*.css';
declare module 'virtual:mantine-css-variables.css';
