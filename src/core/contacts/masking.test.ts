import { describe, expect, it } from 'vitest';
import { maskContact, maskEmail, maskIdNumber, maskPhone, maskText, unlessMaskedEcho } from './masking.js';

describe('masking personal data', () => {
  it('masks a phone keeping the first 3 and last 4 digits, in any spacing', () => {
    expect(maskPhone('13812348000')).toBe('138****8000');
    expect(maskPhone('138-1234-8000')).toBe('138****8000');
    expect(maskPhone('+86 138 1234 8000')).toBe('+86 138****8000');
    expect(maskPhone('010-12345678')).toBe('010****5678');
    expect(maskPhone('8888 1234')).toBe('****1234');
    expect(maskPhone('12345')).toBe('***45');
  });

  it('masks an e-mail to its first letter and domain', () => {
    expect(maskEmail('zhang.san@example.com')).toBe('z***@example.com');
    expect(maskEmail('王@例子.中国')).toBe('王***@例子.中国');
    expect(maskEmail('nonsense')).toBe('***');
  });

  it('masks a 身份证 number keeping 3 and 4', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110***********1234');
    expect(maskIdNumber('11010119900307123X')).toBe('110***********123X');
  });

  it('finds phones, e-mails and ID numbers inside free text, and leaves the rest', () => {
    expect(maskText('访客 13812348000')).toBe('访客 138****8000');
    expect(maskText('张三（身份证 110101199003071234）')).toBe('张三（身份证 110***********1234）');
    expect(maskText('请发到 zhang.san@example.com 谢谢')).toBe('请发到 z***@example.com 谢谢');
    expect(maskText('电话 +86 138-1234-8000 或 010-12345678')).toBe('电话 +86 138****8000 或 010-****5678');
    // not personal: order numbers, dates, short numbers
    expect(maskText('订单 A2026113000420001，2024-01-15，共 3 件')).toBe('订单 A2026113000420001，2024-01-15，共 3 件');
    expect(maskText('张三')).toBe('张三');
  });

  it('is idempotent: a masked value masks to itself', () => {
    for (const v of ['13812348000', '+86 138 1234 8000', '010-12345678']) expect(maskPhone(maskPhone(v))).toBe(maskPhone(v));
    for (const v of ['zhang.san@example.com', 'a@b.cn']) expect(maskEmail(maskEmail(v))).toBe(maskEmail(v));
    for (const v of ['访客 13812348000', '身份证 110101199003071234', 'x zhang@example.com y', '座机 0755 88881234']) expect(maskText(maskText(v))).toBe(maskText(v));
  });

  it('masks a contact’s fields and says whether anything was hidden', () => {
    const contact = {
      name: '张三 13812348000',
      email: 'zhang.san@example.com',
      phone: '13812348000',
      company: '知客科技',
      externalId: 'u-1',
      customFields: { id_no: '110101199003071234', level: 3 },
      needs: { stated: '想要退款' },
      lost: null,
    };
    const { contact: out, masked } = maskContact(contact);
    expect(masked).toBe(true);
    expect(out).toEqual({
      ...contact,
      name: '张三 138****8000',
      email: 'z***@example.com',
      phone: '138****8000',
      customFields: { id_no: '110***********1234', level: 3 },
    });
    expect(maskContact({ ...contact, name: '张三', email: null, phone: null, customFields: {} }).masked).toBe(false);
  });

  it('keeps the stored value when an edit sends back its mask', () => {
    expect(unlessMaskedEcho('138****8000', '13812348000', maskPhone)).toBe('13812348000');
    expect(unlessMaskedEcho('13900000000', '13812348000', maskPhone)).toBe('13900000000');
    expect(unlessMaskedEcho('139****0000', '13812348000', maskPhone)).toBe('139****0000');
    expect(unlessMaskedEcho(null, '13812348000', maskPhone)).toBeNull();
  });
});
