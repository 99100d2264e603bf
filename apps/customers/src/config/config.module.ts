/** The token of the customers service's validated configuration (ServiceConfigModule). */
export const CUSTOMERS_CONFIG = Symbol('CUSTOMERS_CONFIG');
