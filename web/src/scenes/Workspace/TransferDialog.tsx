import { SwapOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { lazy, Suspense, useState } from 'react';
import type { Conversation } from '../../api/types';
import { useT } from '../../i18n';

// The dialog (Modal, Segmented, Checkbox…) comes when first opened: most of 工作台's loads never transfer.
const TransferDialog = lazy(() => import('./TransferDialogBody'));

/** The 转接 button and its dialog. */
export function TransferControl({ conversation }: { conversation: Conversation }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const assigned = conversation.assigneeId !== null;
  return (
    <>
      <Button icon={<SwapOutlined />} onClick={() => setOpen(true)} data-testid="transfer">
        {assigned ? t('view.transfer') : t('view.assign')}
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <TransferDialog conversation={conversation} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
