import { defineConfig } from 'vite';

// The embeddable widget: one dependency-free IIFE file, dist/public/widget.js.
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: '../dist/public',
    emptyOutDir: false,
    target: 'es2019',
    minify: true,
    lib: {
      entry: 'src/index.ts',
      name: 'ZhikeWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
