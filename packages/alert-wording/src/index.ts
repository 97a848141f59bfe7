export { type AlertText, alertMessage, fieldName, numberName } from './alert-message.js';
export { type AlertFacts, alertWording } from './es-CO.js';
