export { type AlertText, alertMessage, type ComparedField, fieldName, numberName } from './alert-message.js';
export { type AlertFacts, alertWording } from './es-CO.js';
