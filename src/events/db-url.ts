/** A database URL fit to print: the password replaced by `***`. */
export const redactUrl = (url: string) => url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
