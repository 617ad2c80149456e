import { DeleteOutlined, DownloadOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, ConfigProvider, Form, Input, Modal, Select, Space, Switch, Table, Tabs, Tag, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { api, KNOWLEDGE_LIMITS as L, type KnowledgeArticle, type KnowledgeArticleInput, type KnowledgeImportReport, type UnansweredQuestion } from '../../api';
import { useT } from '../../i18n';
import { errorText } from '../../lib/errors';
import { useWorkspace } from '../../stores/workspace/context';

const PAGE = 20;

/** What the editor opens with: an article to edit, a new one, or one from an unanswered question. */
type Editing = { kind: 'new' } | { kind: 'edit'; article: KnowledgeArticle } | { kind: 'unanswered'; question: UnansweredQuestion };

/**
 * 知识库: the articles the bot answers from (search, filter by category, create/edit, enable,
 * delete, CSV import/export) and 未解决问题 (what customers asked that nothing answered, made into
 * an article in one click). Admins edit; everyone else reads.
 */
export default function KnowledgePage() {
  const t = useT();
  const me = useWorkspace((s) => s.me);
  const isAdmin = me.role === 'admin';
  const { message, modal } = App.useApp();
  const [tab, setTab] = useState('articles');
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ articles: KnowledgeArticle[]; total: number } | null>(null);
  const [categories, setCategories] = useState<{ name: string; count: number }[]>([]);
  const [unanswered, setUnanswered] = useState<{ questions: UnansweredQuestion[]; total: number } | null>(null);
  const [unPage, setUnPage] = useState(1);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [report, setReport] = useState<KnowledgeImportReport | null>(null);
  const [importing, setImporting] = useState(false);
  const [busyId, setBusyId] = useState<number | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      const [list, cats] = await Promise.all([api.listArticles({ q: query || undefined, category, limit: PAGE, offset: (page - 1) * PAGE }), api.knowledgeCategories()]);
      setData(list);
      setCategories(cats.categories);
    } catch (err) {
      message.error(errorText(err, t));
    }
  }, [query, category, page, message, t]);
  const loadUnanswered = useCallback(async () => {
    try {
      setUnanswered(await api.listUnanswered({ limit: PAGE, offset: (unPage - 1) * PAGE }));
    } catch (err) {
      message.error(errorText(err, t));
    }
  }, [unPage, message, t]);
  useEffect(() => void load(), [load]);
  useEffect(() => void loadUnanswered(), [loadUnanswered]);

  const toggle = async (a: KnowledgeArticle, enabled: boolean) => {
    setBusyId(a.id);
    try {
      await api.updateArticle(a.id, { enabled });
      await load();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusyId(null);
    }
  };

  const remove = (a: KnowledgeArticle) =>
    modal.confirm({
      title: t('kb.deleteConfirm', { question: a.question }),
      content: t('kb.deleteHint'),
      okText: t('kb.delete'),
      okButtonProps: { danger: true, ...({ 'data-testid': 'confirm-ok' } as object) },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.deleteArticle(a.id);
          message.success(t('kb.deleted'));
          await load();
        } catch (err) {
          message.error(errorText(err, t));
        }
      },
    });

  const importFile = async (file: File) => {
    if (file.size > L.importBytes) {
      message.error(t('kb.importTooBig'));
      return;
    }
    setImporting(true);
    try {
      setReport(await api.importArticles(await file.text()));
      await load();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setImporting(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  const columns: TableColumnsType<KnowledgeArticle> = [
    {
      title: t('kb.question'),
      dataIndex: 'question',
      render: (q: string, a) => (
        <div>
          <div className="strong" data-testid="kb-question">
            {q}
          </div>
          {a.similarQuestions.length > 0 ? <div className="muted">{t('kb.similarCount', { n: a.similarQuestions.length })}</div> : null}
        </div>
      ),
    },
    { title: t('kb.category'), dataIndex: 'category', width: 120, render: (c: string | null) => (c ? <Tag>{c}</Tag> : <span className="muted">{t('common.none')}</span>) },
    {
      title: t('kb.enabled'),
      dataIndex: 'enabled',
      width: 90,
      render: (on: boolean, a) =>
        isAdmin ? (
          <Switch size="small" checked={on} loading={busyId === a.id} onChange={(v) => void toggle(a, v)} aria-label={`${t('kb.enabled')}: ${a.question}`} data-testid="kb-enabled" />
        ) : on ? (
          <Tag color="success">{t('kb.enabled')}</Tag>
        ) : (
          <Tag>{t('kb.disabled')}</Tag>
        ),
    },
    {
      title: t('kb.feedback'),
      key: 'feedback',
      width: 170,
      render: (_: unknown, a) => (
        <span className="muted">
          {t('kb.helpful', { n: a.helpful })} · {t('kb.unhelpful', { n: a.unhelpful })}
        </span>
      ),
    },
    ...(isAdmin
      ? [
          {
            title: t('kb.actions'),
            key: 'actions',
            width: 150,
            render: (_: unknown, a: KnowledgeArticle) => (
              <Space size={0}>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing({ kind: 'edit', article: a })} data-testid="kb-edit">
                  {t('kb.edit')}
                </Button>
                <Button size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => remove(a)} data-testid="kb-delete">
                  {t('kb.delete')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const unansweredColumns: TableColumnsType<UnansweredQuestion> = [
    { title: t('kb.unansweredQuestion'), dataIndex: 'question', render: (q: string) => <span data-testid="kb-unanswered-question">{q}</span> },
    { title: t('kb.unansweredCount'), dataIndex: 'count', width: 90 },
    { title: t('kb.unansweredLast'), dataIndex: 'lastSeenAt', width: 180, render: (at: string) => new Date(at).toLocaleString() },
    ...(isAdmin
      ? [
          {
            title: t('kb.actions'),
            key: 'actions',
            width: 150,
            render: (_: unknown, q: UnansweredQuestion) => (
              <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setEditing({ kind: 'unanswered', question: q })} data-testid="kb-make-article">
                {t('kb.makeArticle')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    // antd's error red (#ff4d4f) is 3.4:1 on white: the delete links use red-8 (5.9:1)
    <ConfigProvider theme={{ token: { colorError: '#cf1322' } }}>
    <div className="admin-page">
      <div className="admin-head">
        <div>
          <h1>{t('kb.title')}</h1>
          <div className="muted">{t('kb.subtitle')}</div>
        </div>
        <Space wrap>
          <Button icon={<DownloadOutlined />} href="/api/v1/knowledge/export" download data-testid="kb-export">
            {t('kb.export')}
          </Button>
          {isAdmin ? (
            <>
              <input
                ref={fileRef}
                type="file"
                accept=".csv,text/csv"
                hidden
                aria-label={t('kb.import')}
                data-testid="kb-import-file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void importFile(f);
                }}
              />
              <Button icon={<UploadOutlined />} loading={importing} onClick={() => fileRef.current?.click()} title={t('kb.importHint')} data-testid="kb-import">
                {t('kb.import')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ kind: 'new' })} data-testid="kb-create">
                {t('kb.create')}
              </Button>
            </>
          ) : null}
        </Space>
      </div>
      {!isAdmin ? <Alert type="info" showIcon title={t('common.readOnlyAdmin')} style={{ marginBottom: 12 }} /> : null}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'articles',
            label: t('kb.tabArticles'),
            children: (
              <div className="admin-card">
                <Space wrap style={{ marginBottom: 12 }}>
                  <Input.Search
                    allowClear
                    placeholder={t('kb.search')}
                    aria-label={t('kb.search')}
                    maxLength={100}
                    style={{ width: 280 }}
                    onSearch={(v) => {
                      setPage(1);
                      setQuery(v.trim());
                    }}
                    data-testid="kb-search"
                  />
                  <Select
                    allowClear
                    placeholder={t('kb.allCategories')}
                    aria-label={t('kb.category')}
                    style={{ width: 180 }}
                    value={category}
                    onChange={(v) => {
                      setPage(1);
                      setCategory(v);
                    }}
                    options={categories.map((c) => ({ value: c.name, label: `${c.name} (${c.count})` }))}
                    data-testid="kb-category"
                  />
                </Space>
                <Table<KnowledgeArticle>
                  rowKey="id"
                  size="middle"
                  loading={data === null}
                  columns={columns}
                  dataSource={data?.articles ?? []}
                  pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
                  locale={{ emptyText: t('kb.empty') }}
                  onRow={(a) => ({ 'data-testid': 'kb-row', 'data-article-id': a.id }) as HTMLAttributes<HTMLElement>}
                />
                <div className="muted" style={{ marginTop: 8 }}>
                  {t('kb.chineseOnly')}
                </div>
              </div>
            ),
          },
          {
            key: 'unanswered',
            label: <span data-testid="kb-tab-unanswered">{t('kb.tabUnanswered')}</span>,
            children: (
              <div className="admin-card">
                <Table<UnansweredQuestion>
                  rowKey="id"
                  size="middle"
                  loading={unanswered === null}
                  columns={unansweredColumns}
                  dataSource={unanswered?.questions ?? []}
                  pagination={{ current: unPage, pageSize: PAGE, total: unanswered?.total ?? 0, onChange: setUnPage, showSizeChanger: false }}
                  locale={{ emptyText: t('kb.unansweredEmpty') }}
                  onRow={() => ({ 'data-testid': 'kb-unanswered-row' }) as HTMLAttributes<HTMLElement>}
                />
              </div>
            ),
          },
        ]}
      />
      {editing ? (
        <ArticleModal
          editing={editing}
          categories={categories.map((c) => c.name)}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            message.success(t('kb.saved'));
            await Promise.all([load(), loadUnanswered()]);
          }}
        />
      ) : null}
      <Modal open={report !== null} title={t('kb.importTitle')} onCancel={() => setReport(null)} onOk={() => setReport(null)} cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden>
        {report ? (
          <div data-testid="kb-import-report">
            <p>{t('kb.importSummary', { rows: report.rows, created: report.created, updated: report.updated, errors: report.errors.length })}</p>
            {report.errors.length > 0 ? (
              <Table
                rowKey="row"
                size="small"
                pagination={false}
                dataSource={report.errors}
                columns={[
                  { title: t('kb.importRow'), dataIndex: 'row', width: 70 },
                  { title: t('kb.importError'), dataIndex: 'message' },
                ]}
                onRow={() => ({ 'data-testid': 'kb-import-error' }) as HTMLAttributes<HTMLElement>}
              />
            ) : null}
          </div>
        ) : null}
      </Modal>
    </div>
    </ConfigProvider>
  );
}

interface FormValues {
  question: string;
  similarQuestions: string[];
  answer: string;
  category?: string;
  enabled: boolean;
}

function ArticleModal({ editing, categories, onClose, onSaved }: { editing: Editing; categories: string[]; onClose: () => void; onSaved: () => Promise<void> }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const initial: FormValues =
    editing.kind === 'edit'
      ? { question: editing.article.question, similarQuestions: editing.article.similarQuestions, answer: editing.article.answer, category: editing.article.category ?? undefined, enabled: editing.article.enabled }
      : editing.kind === 'unanswered'
        ? { question: editing.question.question.slice(0, L.question), similarQuestions: [], answer: '', enabled: true }
        : { question: '', similarQuestions: [''], answer: '', enabled: true };

  const save = async () => {
    const v = await form.validateFields();
    const body: KnowledgeArticleInput = {
      question: v.question.trim(),
      similarQuestions: (v.similarQuestions ?? []).map((s) => s?.trim() ?? '').filter(Boolean),
      answer: v.answer.trim(),
      category: v.category?.trim() || null,
      enabled: v.enabled,
    };
    setSaving(true);
    try {
      if (editing.kind === 'edit') await api.updateArticle(editing.article.id, body);
      else if (editing.kind === 'unanswered') await api.articleFromUnanswered(editing.question.id, body);
      else await api.createArticle(body);
      await onSaved();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  const title = editing.kind === 'edit' ? t('kb.edit') : editing.kind === 'unanswered' ? t('kb.fromUnanswered') : t('kb.create');
  return (
    <Modal
      open
      title={title}
      width={640}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ ...({ 'data-testid': 'kb-save' } as object) }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={initial} data-testid="kb-form">
        <Form.Item name="question" label={t('kb.question')} rules={[{ required: true, whitespace: true, max: L.question }]}>
          <Input placeholder={t('kb.questionPlaceholder')} maxLength={L.question} data-testid="kb-form-question" />
        </Form.Item>
        <Form.Item label={t('kb.similar')} extra={t('kb.similarHint')}>
          <Form.List name="similarQuestions">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={f.name} rules={[{ max: L.question }]} style={{ marginBottom: 8, flex: 1, minWidth: 420 }}>
                      <Input placeholder={t('kb.similarPlaceholder')} maxLength={L.question} aria-label={`${t('kb.similar')} ${i + 1}`} data-testid="kb-form-similar" />
                    </Form.Item>
                    <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label={`${t('kb.delete')} ${t('kb.similar')} ${i + 1}`} />
                  </Space>
                ))}
                {fields.length < L.similarCount ? (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} data-testid="kb-form-similar-add">
                    {t('kb.similarAdd')}
                  </Button>
                ) : null}
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="answer" label={t('kb.answer')} extra={t('kb.answerHint')} rules={[{ required: true, whitespace: true, max: L.answer }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={L.answer} data-testid="kb-form-answer" />
        </Form.Item>
        <Space size="large" align="start">
          <Form.Item name="category" label={t('kb.category')} rules={[{ max: L.category }]}>
            <AutoComplete
              allowClear
              style={{ width: 220 }}
              options={categories.map((c) => ({ value: c }))}
              filterOption={(input, option) => String(option?.value ?? '').includes(input)}
              aria-label={t('kb.category')}
              maxLength={L.category}
              data-testid="kb-form-category"
            />
          </Form.Item>
          <Form.Item name="enabled" label={t('kb.enabled')} valuePropName="checked">
            <Switch aria-label={t('kb.enabled')} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
