import type { ThemeConfig } from 'antd';

/** Calm, dense enterprise look: 14 px, blue primary, light grey canvas. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1677ff',
    fontSize: 14,
    borderRadius: 6,
    colorBgLayout: '#f3f5f8',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', headerHeight: 52, headerPadding: '0 16px' },
    Tabs: { horizontalMargin: '0', horizontalItemPadding: '10px 0' },
  },
};
