import { Progress, Tooltip } from 'antd';
import { useT } from '../i18n';

/** 饱和度: load against the 接待上限, green → orange → red. */
export function SaturationBar({ load, max, width = 120 }: { load: number; max: number; width?: number }) {
  const t = useT();
  const ratio = max <= 0 ? 1 : load / max;
  const pct = Math.round(ratio * 100);
  const color = ratio >= 1 ? '#ff4d4f' : ratio >= 0.8 ? '#fa8c16' : '#52c41a';
  return (
    <Tooltip title={t('monitor.saturationTip', { load, max, pct })}>
      <span className="saturation" data-testid="saturation" data-load={load} data-max={max}>
        <Progress percent={Math.min(100, pct)} size={[width, 8]} showInfo={false} strokeColor={color} aria-label={t('monitor.saturation')} />
        <span className="saturation-text">
          {load}/{max}
        </span>
      </span>
    </Tooltip>
  );
}
