import type { ThemeConfig } from 'antd';

/**
 * Calm, dense enterprise look: 14 px, blue primary, light grey canvas. Every text
 * colour reaches WCAG AA (4.5:1) on white and on the grey and blue-tinted panels:
 * antd's defaults do not (#1677ff on white 4.1:1, white on it the same; the tertiary
 * grey rgba(0,0,0,.45) is #8c8c8c, 3.36:1). Service teams read this screen all day.
 * styles.css mirrors these in its --primary / --text-3 variables.
 */
export const theme: ThemeConfig = {
  token: {
    // antd's blue-7: 6.2:1 with white, 5.4:1 on the selected-row blue (#e8f1ff)
    colorPrimary: '#0958d9',
    colorInfo: '#0958d9',
    colorLink: '#0958d9',
    // secondary texts (timestamps, descriptions, empty states): 5.5:1 or better on every panel
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    // placeholders are text too (antd's Select draws its own): 4.6:1 and up, still lighter than a value
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    fontSize: 14,
    borderRadius: 6,
    colorBgLayout: '#f3f5f8',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    // green-8 text on the tag's pale green: 5.4:1 (#52c41a was 2.2:1); only here, so the
    // success palette (backgrounds, dots) derived from the default green stays as it is
    Tag: { colorSuccess: '#237804' },
    // an empty table says so in its description colour, not the disabled grey (#bfbfbf, 1.8:1)
    Table: { colorTextDisabled: 'rgba(0, 0, 0, 0.6)' },
    Empty: { colorTextDisabled: 'rgba(0, 0, 0, 0.6)' },
    // an off switch's label (休息) is white on this grey: 5.7:1 instead of 1.8:1
    Switch: { colorTextQuaternary: 'rgba(0, 0, 0, 0.6)', colorTextTertiary: 'rgba(0, 0, 0, 0.7)' },
    Layout: { headerBg: '#ffffff', headerHeight: 52, headerPadding: '0 16px' },
    Tabs: { horizontalMargin: '0', horizontalItemPadding: '10px 0' },
  },
};
