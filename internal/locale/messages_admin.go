package locale

// adminMessages are the texts of the administrators' pages.
var adminMessages = []entry{}
