import type { Text } from '../../reports/i18n.ts';

/**
 * The sign-in page's notices and the error pages' words of this area, kept out of the shared text
 * table (several people add texts there at once).
 */
export const sessionTexts = {
  // a form sent after the session ended: the one case where something the person typed was lost
  unsaved: {
    'zh-CN': '您的会话已结束，刚才提交的内容未保存，请登录后重新填写。',
    en: 'Your session ended, so what you sent was not saved: sign in and enter it again.',
  },
  ended: { 'zh-CN': '您的会话已结束，请重新登录。', en: 'Your session ended: sign in again.' },
  signed_out: { 'zh-CN': '您已退出登录。', en: 'You have signed out.' },
  // on the page the person returns to after signing in again
  unsaved_after: {
    'zh-CN': '登录前提交的内容未保存（会话已结束），请在下方重新填写并保存。',
    en: 'What you sent before signing in was not saved (the session had ended): enter it again below and save.',
  },
  not_found: { 'zh-CN': '未找到', en: 'Not found' },
  // only to a key pinned to a region or team: to anyone else "outside your region" is untrue
  not_found_scoped: {
    'zh-CN': '未找到（或不在您的区域或团队）',
    en: 'Not found (or outside your region or team)',
  },
  open_to: { 'zh-CN': '此页面或操作仅对{roles}开放。', en: 'It is open to {roles} only.' },
} as const satisfies Record<string, Text>;
