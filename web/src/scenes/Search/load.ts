/** 搜索's page, fetched when first opened (or when the pointer or focus reaches the header's entry). */
export const loadSearchPage = () => import('./SearchPage');
