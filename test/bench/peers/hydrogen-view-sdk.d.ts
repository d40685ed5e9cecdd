// hydrogen-view-sdk ships its types without declaring them in package.json; hydrogen.ts types the part it uses.
declare module 'hydrogen-view-sdk';
