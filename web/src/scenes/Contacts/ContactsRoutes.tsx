import { Route, Routes } from 'react-router';
import ContactFieldsPage from './ContactFieldsPage';
import ContactProfilePage from './ContactProfilePage';
import ContactsPage from './ContactsPage';
import { NoticeProvider } from './ui';
import './contacts.css';

/**
 * 客户 (/contacts), 客户画像 (/contacts/:id) and 客户字段 (/contacts/fields, admins): one lazy
 * part, so App.tsx carries a single route for them and the first load none of their code.
 */
export default function ContactsRoutes() {
  return (
    <NoticeProvider>
      <Routes>
        <Route index element={<ContactsPage />} />
        <Route path="fields" element={<ContactFieldsPage />} />
        <Route path=":contactId" element={<ContactProfilePage />} />
      </Routes>
    </NoticeProvider>
  );
}
