import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api';
import { Brand } from '../../components/Brand';
import { LangSwitch } from '../../components/LangSwitch';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { useSession } from '../../stores/session';

interface Values {
  email: string;
  password: string;
}

export function LoginPage({ expired }: { expired: boolean }) {
  const t = useT();
  const { login } = useSession();
  const [error, setError] = useState<string | null>(expired ? t('error.unauthorized') : null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  const submit = async (values: Values) => {
    const email = values.email?.trim() ?? '';
    const password = values.password ?? '';
    if (!email || !password) {
      setError(t('login.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(email, password);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setError(t('login.invalid'));
      else if (err instanceof ApiError && err.status === 429) {
        // the backoff grows per failure (30 s, 1 min, … up to 15 min): say how long this one is
        const seconds = Number(err.details?.retryAfterSeconds) || 60;
        setError(t('login.rateLimited', { wait: seconds < 60 ? t('login.waitSeconds', { n: seconds }) : t('login.waitMinutes', { n: Math.ceil(seconds / 60) }) }));
      }
      else if (err instanceof ApiError && err.status === 400) setError(t('login.invalid'));
      else setError(t('login.failed', { message: errorText(err, t) }));
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <div className="login-top">
        <LangSwitch />
      </div>
      <div className="login-card">
        <div className="login-head">
          <Brand />
          <h1>{t('login.title')}</h1>
          <p>{t('login.subtitle')}</p>
        </div>
        {error ? (
          <div data-testid="login-error" role="alert" className="login-error">
            <Alert type="error" showIcon title={error} />
          </div>
        ) : null}
        <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
          <Form.Item label={t('login.email')} name="email">
            <Input
              size="large"
              prefix={<MailOutlined />}
              placeholder={t('login.emailPlaceholder')}
              autoComplete="username"
              inputMode="email"
              autoFocus
              data-testid="login-email"
            />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password">
            <Input.Password
              size="large"
              prefix={<LockOutlined />}
              placeholder={t('login.passwordPlaceholder')}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </div>
      <div className="login-foot">© Zhike 知客 · Apache-2.0</div>
    </main>
  );
}
