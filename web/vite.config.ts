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
        codeSplitting: {
          groups: [
            // React changes rarely: its own long-cached chunk, on every load.
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|cookie|set-cookie-parser)[\\/]/, priority: 2 },
            // ECharts (质检报表's trend chart): only that lazy page imports it; its own chunk, never the first load.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 2 },
            // The rest of node_modules (antd, its rc-components, icons) apart from the app's code, so an app
            // change does not invalidate it; split by which entries use each module (entriesAware: after
            // tree-shaking, unlike a walk of the import graph, where antd's index reaches every component),
            // so the first load carries only the antd parts that login and 工作台 use, and the pages behind
            // React.lazy (访客, 监控, 管理) bring theirs (Table, Form, Drawer…) when first opened. Parts under
            // 3 KB join a neighbour (fewer requests). Larger thresholds pull lazy pages' code into the first load:
            // at 20 KB, adding the 分析实验室 page and the 快捷回复 drawer made a small part 工作台 needs merge
            // into a large one only the lazy pages need, and the first load grew by ~48 KB (measured).
            { name: 'antd', test: /node_modules[\\/]/, priority: 1, entriesAware: true, entriesAwareMergeThreshold: 3_000 },
          ],
        },
        // entriesAware names each part after its entries (antd~index~AgentsPage~…): keep file names short
        chunkFileNames: (chunk) => `assets/${chunk.name.split('~')[0]}-[hash].js`,
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
