import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Agent console: built into dist/public (served by the Zhike server at /).
// `npm run dev:console` serves it with hot reload and proxies the API to a server on :3000.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/public',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // React and antd change rarely: their own long-cached chunks. Admin pages stay lazy (their antd parts too).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|cookie|set-cookie-parser)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/]/, minShareCount: 2 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://localhost:3000', ws: true },
      '/widget.js': 'http://localhost:3000',
      '/demo': 'http://localhost:3000',
    },
  },
});
