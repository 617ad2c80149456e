import { TranslationOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useI18n } from '../i18n';

/** 中文 ⇄ English, remembered in localStorage. */
export function LangSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Tooltip title={t('header.langTitle')}>
      <Button
        type="text"
        size="small"
        icon={<TranslationOutlined />}
        data-testid="lang-switch"
        onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
      >
        {t('header.lang')}
      </Button>
    </Tooltip>
  );
}
