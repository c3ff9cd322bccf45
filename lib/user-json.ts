/**
 * A user's JSON file as text: without the byte-order mark Notepad and Excel write ("UTF-8 with BOM"),
 * which JSON.parse refuses as an invisible unexpected token at the first character.
 */
export const jsonText = (text: string) => text.replace(/^\uFEFF/u, '');
