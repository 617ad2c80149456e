import { App, Select } from 'antd';
import { useEffect, useState } from 'react';
import { ticketsApi, type ComplaintContacts as Lists } from '../../api/tickets';
import { selectAgentList } from '../../stores/workspace/selectors';
import { useWorkspace } from '../../stores/workspace/context';
import { useTicketError, useTicketT } from './strings';

/**
 * 投诉联系人: who besides the supervisors a media complaint (公关) and a 非正常投诉 (法务) alert at
 * once. Lists of people of the workspace, not roles; set by supervisors and admins.
 */
export function ComplaintContacts() {
  const tt = useTicketT();
  const fail = useTicketError();
  const { message } = App.useApp();
  const agents = useWorkspace(selectAgentList);
  const [lists, setLists] = useState<Lists | null>(null);
  useEffect(() => {
    void ticketsApi.complaintContacts().then(setLists, () => setLists({ pr: [], legal: [] }));
  }, []);
  const save = async (list: keyof Lists, ids: number[]) => {
    try {
      setLists(await ticketsApi.setComplaintContacts({ [list]: ids }));
      message.success(tt('contacts.saved'));
    } catch (err) {
      message.error(fail(err));
    }
  };
  const options = agents.filter((a) => a.active !== false).map((a) => ({ value: a.id, label: a.name }));
  return (
    <div className="admin-card complaint-contacts" data-testid="complaint-contacts">
      <h2>{tt('contacts.title')}</h2>
      <div className="muted">{tt('contacts.intro')}</div>
      {(['pr', 'legal'] as const).map((list) => (
        <label key={list} className="complaint-contacts-row">
          <span>{tt(list === 'pr' ? 'contacts.pr' : 'contacts.legal')}</span>
          <Select
            mode="multiple"
            value={lists?.[list] ?? []}
            disabled={!lists}
            onChange={(ids: number[]) => void save(list, ids)}
            options={options}
            optionFilterProp="label"
            placeholder={tt('contacts.none')}
            data-testid={`complaint-contacts-${list}`}
            style={{ minWidth: 320 }}
          />
        </label>
      ))}
    </div>
  );
}
