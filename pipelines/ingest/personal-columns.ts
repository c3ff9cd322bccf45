import { canonicalField, entitySpecs, piiFieldNames } from './entity-specs.ts';

/**
 * Column names that hold personal data though no entity loads them — a name, a landline beside the
 * mobile, an address, an e-mail — as bank exports carry them. Their values are ignored by a load but
 * kept in a quarantined row's raw text; there they are masked as the PII fields are (SPEC §3: raw
 * personal data never reaches a listing). Compared trimmed and in lower case.
 */
const personalNames = new Set([
  '姓名',
  '客户姓名',
  '客户名称',
  '借款人姓名',
  '借款人',
  '名字',
  'name',
  'customer_name',
  'full_name',
  'borrower_name',
  '联系电话',
  '固定电话',
  '电话号码',
  '家庭电话',
  '单位电话',
  '联系人电话',
  'telephone',
  'tel',
  'landline',
  'phone_number',
  'mobile_phone',
  '地址',
  '住址',
  '家庭住址',
  '通讯地址',
  '单位地址',
  'address',
  '邮箱',
  '电子邮箱',
  'email',
  'e-mail',
  '证件号',
  '身份证',
  'id_card',
  'idcard',
  'id_no',
  '银行卡号',
  'card_number',
]);

/** The names above and every entity's PII field names and their aliases: the JSONL raw row masks these keys. */
export const personalColumnNames: readonly string[] = [
  ...new Set([
    ...personalNames,
    ...piiFieldNames,
    ...Object.values(entitySpecs).flatMap((spec) =>
      Object.entries(spec.aliases)
        .filter(([, field]) => piiFieldNames.has(field))
        .map(([alias]) => alias),
    ),
  ]),
];

/**
 * Whether a column of any entity's file holds personal data: a PII field of any entity under its
 * name or an alias (an `id_number` in a loans file is one as much as in a customers file), or a
 * personal column no entity loads.
 */
export function isPersonalColumn(header: string): boolean {
  const h = header.trim().replace(/^\uFEFF/u, '');
  if (personalNames.has(h.toLowerCase())) return true;
  return Object.values(entitySpecs).some((spec) => piiFieldNames.has(canonicalField(spec, h) ?? ''));
}
