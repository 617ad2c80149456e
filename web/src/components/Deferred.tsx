import { lazy, Suspense, type ComponentProps } from 'react';
import type { Attachments as AttachmentsNow } from './Attachments';
import { Loading } from './Loading';
import type { VisitTrail as VisitTrailNow } from './VisitTrail';

/*
 * Parts of 工作台 that its first screen does not show, loaded when first rendered: they
 * bring antd parts nothing else on the first load uses (Timeline and Steps for the trail,
 * Image and its preview for attachments), which stay out of the console's first load.
 * Same props as the originals.
 */

const VisitTrailPart = lazy(() => import('./VisitTrail').then((m) => ({ default: m.VisitTrail })));
const AttachmentsPart = lazy(() => import('./Attachments').then((m) => ({ default: m.Attachments })));

/** 浏览轨迹 in the contact panel: shown once a conversation is open. */
export function VisitTrail(props: ComponentProps<typeof VisitTrailNow>) {
  return (
    <Suspense fallback={<Loading size="small" />}>
      <VisitTrailPart {...props} />
    </Suspense>
  );
}

/** A message's files and images: most messages have none, and those render nothing and load nothing. */
export function Attachments(props: ComponentProps<typeof AttachmentsNow>) {
  if (props.items.length === 0) return null;
  return (
    <Suspense fallback={<Loading size="small" />}>
      <AttachmentsPart {...props} />
    </Suspense>
  );
}
